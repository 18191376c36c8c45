// Rate / label / comment / flag one assistant message (reviews feature fills this in).
export function ReviewControls(_props: { sessionId: string; seq: number; me: { id: string; role: string } }) {
  return null;
}
