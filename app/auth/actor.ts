// Who is acting: the signed-in operator as guards return it and services receive it. Services that need less
// take a Pick of it, so there is one shape to follow when an operator's identity grows a field.
import type { Role } from "./permissions";

export type Actor = { id: string; email: string; name: string; role: Role };
