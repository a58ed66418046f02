import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeMagentoError,
  formatMagentoMessage,
  MagentoAuthError,
  MagentoHttpError,
  MagentoNetworkError,
  parseMagentoErrorBody,
} from "@/lib/magento/errors";

// Formatting of Magento's error body: "%1"-style positional parameters from an array and
// "%fieldName" named ones from an object, plus the error classes' messages.

const SAMPLES = path.resolve(process.cwd(), "..", "shared", "magento", "samples");
const context = { method: "GET", path: "/rest/default/V1/orders/5", attempts: 1 };

describe("formatMagentoMessage", () => {
  it("fills positional parameters (1-based)", () => {
    expect(formatMagentoMessage("%1 of %2 failed: %1", ["3", 7])).toBe("3 of 7 failed: 3");
    expect(formatMagentoMessage("item %10 and %1", ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])).toBe("item j and a");
  });

  it("fills named parameters", () => {
    expect(formatMagentoMessage("%fieldName is a required field.", { fieldName: "searchCriteria" })).toBe(
      "searchCriteria is a required field.",
    );
    expect(formatMagentoMessage("No such entity with %fieldName = %fieldValue", { fieldName: "cartId", fieldValue: 12 })).toBe(
      "No such entity with cartId = 12",
    );
  });

  it("leaves placeholders without a value and handles no parameters", () => {
    expect(formatMagentoMessage("%1 and %2", ["only"])).toBe("only and %2");
    expect(formatMagentoMessage("%missing here", { other: "x" })).toBe("%missing here");
    expect(formatMagentoMessage("100% sure", null)).toBe("100% sure");
  });

  it("formats the official error sample", () => {
    const body = parseMagentoErrorBody(JSON.parse(readFileSync(path.join(SAMPLES, "error_response.json"), "utf8")));
    expect(body).not.toBeNull();
    expect(describeMagentoError(body!)).toBe("Invalid product data: Invalid attribute set entity type");
  });

  it("adds aggregated errors and ignores the trace", () => {
    const body = parseMagentoErrorBody({
      message: "Validation failed",
      errors: [
        { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: "firstname" } },
        { message: "%1 is too long", parameters: ["lastname"] },
      ],
      trace: "#0 /var/www/html/vendor/magento/...",
    });
    expect(describeMagentoError(body!)).toBe('Validation failed ("firstname" is required. Enter and try again.; lastname is too long)');
  });

  it("rejects bodies that are not Magento errors", () => {
    expect(parseMagentoErrorBody({ error: "nope" })).toBeNull();
    expect(parseMagentoErrorBody("<html>")).toBeNull();
  });
});

describe("error classes", () => {
  it("say what failed and where, without the query string", () => {
    const auth = new MagentoAuthError("The consumer isn't authorized to access %resources.", {}, context);
    expect(auth.message).toBe(
      "Magento refused the credentials (401): The consumer isn't authorized to access %resources. [GET /rest/default/V1/orders/5]",
    );
    expect(auth).toBeInstanceOf(MagentoHttpError);
    expect(auth.status).toBe(401);
    const network = new MagentoNetworkError("refused", "the connection was refused", { ...context, attempts: 4 });
    expect(network.message).toBe("Could not reach Magento: the connection was refused [GET /rest/default/V1/orders/5 (after 4 attempts)]");
    expect(network.name).toBe("MagentoNetworkError");
  });
});
