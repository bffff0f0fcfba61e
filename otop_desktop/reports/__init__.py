"""ReportLab documents (sign-in sheets; later certificates, reports, catalogue); no Qt."""
