// `npm run lint`'s check that no two rooms of app/ import each other, directly or around a loop (ADR 140). Prints
// each cycle with the imports that make it, and exits 1.
import path from "node:path";
import { roomCycles, roomEdges } from "./domain-cycles";

const appDir = path.resolve(process.argv[2] ?? "app");
const cycles = roomCycles(roomEdges(appDir));
if (cycles.length === 0) {
  console.log("domain cycles: none between the rooms of app/");
} else {
  for (const cycle of cycles) {
    console.error(`Import cycle between rooms: ${cycle.rooms.join(", ")}`);
    const shown = new Set<string>();
    for (const edge of cycle.edges) {
      const line = `  ${edge.from} → ${edge.to}: ${edge.file} imports ${edge.specifier}`;
      if (!shown.has(line)) console.error(line);
      shown.add(line);
    }
  }
  console.error("Break it (move the shared part down, or publish an event the other room listens to); see docs/architecture.md.");
  process.exit(1);
}
