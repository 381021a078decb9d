// The setup guide's hint follows the role: only those who can create tokens are told to.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SetupInstructions } from "./setup-instructions";

const render = (canWrite: boolean) =>
  renderToStaticMarkup(createElement(SetupInstructions, { kind: "entra", scimBaseUrl: "https://c.example/scim/v2", tokenEndpoint: "https://c.example/oauth/token", canWrite }));

describe("SetupInstructions", () => {
  it("tells a role that cannot create tokens who can, instead of telling it to create one", () => {
    expect(render(true)).toContain("Create a token first (below)");
    const readOnly = render(false);
    expect(readOnly).not.toContain("Create a token first");
    expect(readOnly).toContain("an administrator");
  });
});
