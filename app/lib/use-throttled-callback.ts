// The one throttle for browser callbacks that follow the live stream (re-read the inbox, the unread total,
// post my read position): at most one call per `ms`, with the latest arguments, and no timer left running
// once the component is gone.
import { useCallback, useEffect, useRef } from "react";

export function useThrottledCallback<A extends unknown[]>(callback: (...args: A) => void, ms: number): (...args: A) => void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  }, [callback]);
  const state = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number; args?: A }>({ last: 0 });
  useEffect(() => {
    const s = state.current;
    return () => {
      clearTimeout(s.timer);
      s.timer = undefined;
    };
  }, []);
  return useCallback(
    (...args: A) => {
      const s = state.current;
      s.args = args;
      if (s.timer !== undefined) return; // the pending call will use these arguments
      s.timer = setTimeout(
        () => {
          s.timer = undefined;
          s.last = Date.now();
          latest.current(...(s.args as A));
        },
        Math.max(0, s.last + ms - Date.now()),
      );
    },
    [ms],
  );
}
