"""Item pipelines, one file each, in order: normalise → validate → de-duplicate."""
