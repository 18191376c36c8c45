export type Theme = "system" | "light" | "dark";
export const THEME_COOKIE = "console_theme";

export function readTheme(request: Request): Theme {
  const match = /(?:^|;\s*)console_theme=(light|dark|system)/.exec(request.headers.get("cookie") ?? "");
  return (match?.[1] as Theme | undefined) ?? "system";
}

export function themeCookie(theme: Theme) {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
