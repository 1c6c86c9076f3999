/** The DraftStore client SDK; see client/README.md. */
export {};
