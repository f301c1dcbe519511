"""Grants.gov code lists (legacy codes; see the Grants.gov search2 facets).

The scrapers map source payloads onto them, matching checks eligibility with them and the app
validates data files and labels pages with them.
"""

from __future__ import annotations

APPLICANT_TYPES: dict[str, str] = {
    "00": "State governments",
    "01": "County governments",
    "02": "City or township governments",
    "04": "Special district governments",
    "05": "Independent school districts",
    "06": "Public and State controlled institutions of higher education",
    "07": "Native American tribal governments (Federally recognized)",
    "08": "Public housing authorities/Indian housing authorities",
    "11": "Native American tribal organizations (other than Federally recognized)",
    "12": "Nonprofits having a 501(c)(3) status with the IRS, other than IHEs",
    "13": "Nonprofits without 501(c)(3) status, other than IHEs",
    "20": "Private institutions of higher education",
    "21": "Individuals",
    "22": "For profit organizations other than small businesses",
    "23": "Small businesses",
    "25": "Others (see additional information on eligibility)",
    "99": "Unrestricted (anyone may apply)",
}

FUNDING_CATEGORIES: dict[str, str] = {
    "ACA": "Affordable Care Act",
    "AG": "Agriculture",
    "AR": "Arts",
    "BC": "Business and Commerce",
    "CD": "Community Development",
    "CP": "Consumer Protection",
    "DPR": "Disaster Prevention and Relief",
    "ED": "Education",
    "EIC": "Energy Infrastructure and Critical Mineral and Materials",
    "ELT": "Employment, Labor and Training",
    "EN": "Energy",
    "ENV": "Environment",
    "FN": "Food and Nutrition",
    "HL": "Health",
    "HO": "Housing",
    "HU": "Humanities",
    "IIJ": "Infrastructure Investment and Jobs Act",
    "IS": "Information and Statistics",
    "ISS": "Income Security and Social Services",
    "LJL": "Law, Justice and Legal Services",
    "NR": "Natural Resources",
    "O": "Other",
    "OZ": "Opportunity Zone Benefits",
    "RA": "Recovery Act",
    "RD": "Regional Development",
    "RT": "Recreation and Tourism",
    "ST": "Science and Technology and other Research and Development",
    "T": "Transportation",
}
