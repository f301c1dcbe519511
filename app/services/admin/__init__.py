"""What admins do: invitations for staff and agency posters, and account management."""
