// How long a password may be: shared by the forms in the browser and by the server that hashes it.
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
