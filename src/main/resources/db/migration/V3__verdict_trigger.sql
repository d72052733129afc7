-- Why the audience was asked (staff, a lexicon rule, viewer reports): part of a verdict's evidence.
ALTER TABLE verdicts ADD COLUMN trigger jsonb;
