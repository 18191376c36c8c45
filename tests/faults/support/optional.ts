// Imports a feature module that may not exist yet: null while it is missing (so a test can skip with the
// reason), but any other import error (a syntax error, a throw at load) still fails loudly.
export async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if (/Cannot find module|Failed to load url|Failed to resolve import|does not provide an export/i.test(String((error as Error)?.message))) return null;
    throw error;
  }
}
