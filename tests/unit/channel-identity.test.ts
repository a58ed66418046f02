import { describe, expect, it } from "vitest";
import { channelIdentity, sameStoreView } from "@/lib/channels/identity";
import { confirmationValue, connectionWarning, duplicateWarning, warningsConfirmed } from "@/lib/channels/save-warnings";

// The store-view identity two channels are compared on, and the confirmation bound to the
// warnings it was given for.

describe("channelIdentity", () => {
  it.each([
    ["https://shop.example.com", "https://shop.example.com/"],
    ["https://shop.example.com", "HTTPS://Shop.Example.COM"],
    ["https://shop.example.com", "https://shop.example.com:443"],
    ["http://shop.example.com", "http://shop.example.com:80/"],
    ["https://example.com/shop", "https://example.com/shop//"],
    ["https://shop.example.com", "https://shop.example.com/index.php"],
    ["https://shop.example.com", "https://shop.example.com/rest/"],
    ["https://shop.example.com", "https://shop.example.com/index.php/rest"],
    ["https://shop.example.com", "  https://shop.example.com?x=1#top "],
  ])("%s and %s are one store", (a, b) => {
    expect(sameStoreView({ baseUrl: a, storeCode: "default" }, { baseUrl: b, storeCode: "default" })).toBe(true);
  });

  it.each([
    ["https://shop.example.com", "http://shop.example.com"],
    ["https://shop.example.com", "https://shop.example.com:8443"],
    ["https://shop.example.com", "https://www.shop.example.com"],
    ["https://example.com/shop", "https://example.com/Shop"],
    ["https://example.com/shop", "https://example.com"],
  ])("%s and %s are two stores", (a, b) => {
    expect(sameStoreView({ baseUrl: a, storeCode: "default" }, { baseUrl: b, storeCode: "default" })).toBe(false);
  });

  it("an empty or missing store code is Magento's default", () => {
    for (const code of ["", "  ", null, undefined, "DEFAULT"])
      expect(channelIdentity("https://s.example.com", code).storeCode).toBe("default");
    expect(
      sameStoreView({ baseUrl: "https://s.example.com", storeCode: "fr_fr" }, { baseUrl: "https://s.example.com", storeCode: "default" }),
    ).toBe(false);
  });

  it("never carries credentials written into the URL", () => {
    expect(channelIdentity("https://user:s3cret-pass@shop.example.com/", "default")).toEqual({
      url: "https://shop.example.com",
      storeCode: "default",
      key: "https://shop.example.com default",
    });
  });
});

describe("the confirmation", () => {
  const duplicate = duplicateWarning({ id: 3, name: "Main", baseUrl: "https://shop.example.com/", storeCode: "" });
  const connection = connectionWarning({ reason: "unreachable", message: "Magento did not answer at this address (shop.example.com)." });

  it("names the other channel and the store view", () => {
    expect(duplicate.message).toMatch(
      /^Channel “Main” already syncs https:\/\/shop\.example\.com \(store view default\): every order, customer and cart would be counted twice/,
    );
  });

  it("covers exactly the warnings it was given for", () => {
    const both = confirmationValue([duplicate.message, connection.message]);
    expect(warningsConfirmed([duplicate, connection], both)).toBe(true);
    expect(warningsConfirmed([duplicate], both)).toBe(true);
    expect(warningsConfirmed([duplicate, connection], confirmationValue([duplicate.message]))).toBe(false);
    expect(warningsConfirmed([duplicate], undefined)).toBe(false);
    expect(warningsConfirmed([duplicate], "on")).toBe(false);
    expect(warningsConfirmed([], undefined)).toBe(true);
  });
});
