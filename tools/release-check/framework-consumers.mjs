// Framework consumer apps built from the installed packages (filled in as adapters land).
export async function frameworkChecks() {}
