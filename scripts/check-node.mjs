// Fails loudly when a script would run on a Node older than Baton needs. `npm install` puts Node
// 24 (the `node` devDependency) first on the PATH of npm scripts; this catches installs without it.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Baton needs Node >= 22.12 but this is Node ${process.versions.node} (${process.execPath}).\n` +
      "Run `npm install` (it installs Node 24 for npm scripts) and start Baton through npm: `npm start`.",
  );
  process.exit(1);
}
