// Driving the workflow editor in Chromium with real pointer events and keys.
import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";

export const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);

/** Drags from a node's source handle to another's target handle, until the edge is drawn. Each
 * stage waits for the canvas to show it (the connection line, then the target handle marked as
 * the one being connected to), so a busy machine does not release the mouse too early. */
export async function connect(page: Page, from: string, to: string, handle?: string, options: { refused?: boolean } = {}) {
  const source = node(page, from).locator(handle ? `.react-flow__handle.source[data-handleid="${handle}"]` : ".react-flow__handle.source.react-flow__handle-right");
  const target = node(page, to).locator(".react-flow__handle.target");
  const edges = page.locator(".react-flow__edge");
  const before = await edges.count();
  // A drag the editor refuses is made once.
  for (let attempt = 0; attempt < (options.refused ? 1 : 3) && (await edges.count()) === before; attempt++) {
    // A drag that missed its target (a busy machine, a viewport still moving) dropped on empty
    // canvas and opened the step picker over it: close it, and let the canvas settle.
    if (await page.getByTestId("step-picker").isVisible()) await page.keyboard.press("Escape");
    await settled(page, to);
    const a = (await source.boundingBox())!;
    const b = (await target.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 10 });
    await page.locator(".react-flow__connection").waitFor({ timeout: 5_000 }).catch(() => undefined);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
    await page.locator(`[data-testid="node-${to}"] .react-flow__handle.target.connectingto`).waitFor({ timeout: 5_000 }).catch(() => undefined);
    await page.mouse.up();
    if (options.refused) return;
    await page.waitForFunction((n) => document.querySelectorAll(".react-flow__edge").length > n, before, { timeout: 5_000 }).catch(() => undefined);
  }
}

/** Waits until the node stops moving on screen (a Fit View or zoom animates the viewport). */
async function settled(page: Page, id: string) {
  let last = "";
  for (let i = 0; i < 20; i++) {
    const box = JSON.stringify(await node(page, id).boundingBox());
    if (box === last) return;
    last = box;
    await page.waitForTimeout(100);
  }
}

export async function dropStep(page: Page, type: string, x: number, y: number) {
  const canvas = (await page.getByTestId("canvas").boundingBox())!;
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId("canvas"), { targetPosition: { x: x - canvas.x, y: y - canvas.y } });
}

export async function typeInto(editor: Locator, text: string) {
  await editor.click();
  await editor.press("ControlOrMeta+a");
  await editor.press("Delete");
  await editor.pressSequentially(text);
}

export const saved = (page: Page) => expect.poll(() => page.getByTestId("save-status").getAttribute("data-status"), { timeout: 15_000 }).toBe("saved");

