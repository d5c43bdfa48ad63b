// Placeholder; the CLI lands with the core engine.
export {};
