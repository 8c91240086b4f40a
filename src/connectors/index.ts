// Public API of the connectors library. Placeholder until the core lands.
export const version = "0.1.0";
