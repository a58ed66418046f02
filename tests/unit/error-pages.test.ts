import { createElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import PortalError from "@/app/(portal)/error";
import RootError from "@/app/error";
import GlobalError from "@/app/global-error";
import { ErrorNotice } from "@/components/errors/error-notice";

// What a person sees when a page fails: a calm message, "Try again", and the reference id the
// server log carries (Next's error.digest); never the error's message or stack.

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** A server error as Next forwards it: the digest set, the message and stack still on the object. */
function serverError() {
  const error = new Error('duplicate key value violates unique constraint "users_email" password=hunter2') as Error & { digest: string };
  error.digest = "2841769104";
  return error;
}

const boundaries = [
  ["app/error.tsx", RootError],
  ["app/(portal)/error.tsx", PortalError],
  ["app/global-error.tsx", GlobalError],
] as const;

describe.each(boundaries)("%s", (_name, Boundary) => {
  it("shows a calm message, the reference id and a Try again button", () => {
    const html = renderToStaticMarkup(createElement(Boundary, { error: serverError(), retry: () => {} }));
    expect(text(html)).toContain("This page could not be shown");
    expect(text(html)).toContain("Reference: 2841769104");
    expect(html).toMatch(/<button[^>]*>Try again<\/button>/);
  });

  it("never shows the error's message or stack", () => {
    const error = serverError();
    const html = renderToStaticMarkup(createElement(Boundary, { error, retry: () => {} }));
    expect(html).not.toContain("duplicate key");
    expect(html).not.toContain("hunter2");
    const firstFrame = error.stack?.split("\n")[1]?.trim() ?? "";
    expect(firstFrame).toMatch(/^at /);
    expect(html).not.toContain(firstFrame);
  });

  it("leaves the reference out for an error thrown in the browser (no digest) or a thrown non-Error", () => {
    for (const error of [new TypeError("x is undefined"), "a string", null]) {
      const html = text(renderToStaticMarkup(createElement(Boundary, { error, retry: () => {} })));
      expect(html).toContain("This page could not be shown");
      expect(html).not.toContain("Reference");
      expect(html).not.toContain("x is undefined");
    }
  });
});

describe("global-error.tsx", () => {
  it("renders its own document, since it replaces the root layout", () => {
    const html = renderToStaticMarkup(createElement(GlobalError, { error: serverError(), retry: () => {} }));
    expect(html).toMatch(/^<html lang="en">.*<body[^>]*>.*<\/body><\/html>$/);
    expect(html).toContain("<title>Something went wrong · Sales Portal</title>");
  });
});

describe("ErrorNotice", () => {
  it("calls retry when Try again is pressed", () => {
    const retry = vi.fn();
    const button = findButton(ErrorNotice({ error: serverError(), retry }));
    expect(button).toBeDefined();
    (button!.props as { onClick: () => void }).onClick();
    expect(retry).toHaveBeenCalledOnce();
  });
});

function findButton(node: ReactNode): ReactElement | undefined {
  if (Array.isArray(node)) {
    for (const child of node as ReactNode[]) {
      const found = findButton(child);
      if (found) return found;
    }
    return undefined;
  }
  if (!isValidElement(node)) return undefined;
  if (node.type === "button") return node;
  return findButton((node.props as { children?: ReactNode }).children);
}
