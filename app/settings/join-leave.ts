// The join/leave setting's defaults, shared with the admin page in the browser (ADR 160).
export type JoinLeave = { enabled: boolean; kind: string; join: string; leave: string };

export const DEFAULT_JOIN_LEAVE: JoinLeave = { enabled: false, kind: "system", join: "{name} from support joined", leave: "{name} left the conversation" };
