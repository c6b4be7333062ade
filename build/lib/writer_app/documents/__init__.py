"""Files and document data without Qt: atomic saves, autosave and recovery, diffs, AI-edit history."""
