"""Reports: an evaluation written out as files people read (HTML, Markdown, DOCX, XLSX) and JSON."""
