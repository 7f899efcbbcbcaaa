"""The resident's rights under GDPR: an export of everything held about them, and erasure
(anonymisation) after the retention period; and the resident's timeline on one page."""
