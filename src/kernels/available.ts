/**
 * Registers the fast backends that exist in this build (imported once by the CLI and the
 * library entry). Each registration checks at run time whether it can serve this machine.
 */
export {};
