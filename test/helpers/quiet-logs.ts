// Powertools reads its level when the logger is built, so this runs before any test
// file's imports: a test run prints nothing but its results. Tests that assert log
// lines raise the level themselves; `POWERTOOLS_LOG_LEVEL=INFO npm test` shows them all.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
