"""WTForms forms, one module per user group."""
