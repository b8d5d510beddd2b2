/** Offers `data` as a JSON file download named after `name`. */
export function downloadJson(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${name.replace(/[^\w-]+/g, "-").toLowerCase() || "workflow"}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}
