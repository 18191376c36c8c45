// What the "Deactivate" confirmation says (shared by the admin page and its tests; browser-safe).

/** Says what deactivating ends, with the numbers: sign-ins, and sessions held (handed back to the AI at once). */
export function deactivationWarning(name: string, sessions: number, held: number) {
  const signedIn = sessions === 0 ? "are not signed in anywhere" : `will be signed out of ${sessions === 1 ? "1 browser" : `${sessions} browsers`}`;
  const holding =
    held === 0
      ? "They hold no session."
      : `The ${held === 1 ? "session" : `${held} sessions`} they hold ${held === 1 ? "is" : "are"} handed back to the AI at once; a reply they were drafting stays only in their own browser.`;
  return `Deactivate ${name}? They ${signedIn} and cannot sign in again until reactivated. ${holding}`;
}
