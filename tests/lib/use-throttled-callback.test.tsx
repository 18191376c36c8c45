// @vitest-environment jsdom
// The shared throttle: one call per interval with the latest arguments, and nothing fires after unmount
// (the inbox's revalidation and the session page's read post used to leave their timers running).
import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useThrottledCallback } from "~/lib/use-throttled-callback";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("useThrottledCallback", () => {
  it("calls at once the first time, then at most once per interval with the latest arguments", () => {
    const seen: number[] = [];
    const { result } = renderHook(() => useThrottledCallback((n: number) => seen.push(n), 1_000));
    result.current(1);
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([1]);
    result.current(2);
    result.current(3);
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 3]);
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual([1, 3]);
  });

  it("uses the callback of the latest render", () => {
    const seen: string[] = [];
    const { result, rerender } = renderHook(({ tag }) => useThrottledCallback(() => seen.push(tag), 500), { initialProps: { tag: "first" } });
    rerender({ tag: "second" });
    result.current();
    vi.advanceTimersByTime(0);
    expect(seen).toEqual(["second"]);
  });

  it("leaves no timer behind when the component unmounts", () => {
    const seen: number[] = [];
    const { result, unmount } = renderHook(() => useThrottledCallback((n: number) => seen.push(n), 1_000));
    result.current(1);
    vi.advanceTimersByTime(0);
    result.current(2);
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2_000);
    expect(seen).toEqual([1]);
  });
});
