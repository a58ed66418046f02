import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { oauth1BaseUri, oauth1NormaliseParams, signOAuth1Request } from "@/lib/magento/oauth1";

// OAuth 1.0a HMAC-SHA256 signing, checked against base strings written out by hand here and an
// HMAC computed in the test with node:crypto.

const credentials = { consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" };

function expectedSignature(baseString: string, key: string): string {
  return createHmac("sha256", key).update(baseString).digest("base64");
}

describe("signOAuth1Request", () => {
  it("builds the base string from method, base URI and sorted parameters, and signs it", () => {
    const signed = signOAuth1Request({
      method: "get",
      url: "https://Shop.Example.com:443/rest/default/V1/orders?searchCriteria[pageSize]=2&searchCriteria[currentPage]=1",
      credentials,
      nonce: "nonce123",
      timestamp: 1700000000,
    });
    expect(signed.baseString).toBe(
      "GET&https%3A%2F%2Fshop.example.com%2Frest%2Fdefault%2FV1%2Forders&" +
        "oauth_consumer_key%3Dck%26oauth_nonce%3Dnonce123%26oauth_signature_method%3DHMAC-SHA256%26" +
        "oauth_timestamp%3D1700000000%26oauth_token%3Dat%26oauth_version%3D1.0%26" +
        "searchCriteria%255BcurrentPage%255D%3D1%26searchCriteria%255BpageSize%255D%3D2",
    );
    expect(signed.signature).toBe(expectedSignature(signed.baseString, "cs&ats"));
  });

  it("double-encodes percent-encoded query values and keeps a non-default port", () => {
    const signed = signOAuth1Request({
      method: "GET",
      url: "http://localhost:8080/rest/default/V1/customers/search?searchCriteria[filter_groups][0][filters][0][value]=%25ver%25",
      credentials,
      nonce: "n",
      timestamp: 1,
    });
    expect(signed.baseString.startsWith("GET&http%3A%2F%2Flocalhost%3A8080%2Frest%2Fdefault%2FV1%2Fcustomers%2Fsearch&")).toBe(true);
    expect(signed.baseString).toContain(
      "searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bvalue%255D%3D%2525ver%2525",
    );
  });

  it("encodes the secrets in the key and the values in the header", () => {
    const signed = signOAuth1Request({
      method: "PUT",
      url: "https://shop.example.com/rest/default/V1/carts/5/order",
      credentials: { consumerKey: "c k", consumerSecret: "c&s", accessToken: "t+k", accessTokenSecret: "t s" },
      nonce: "abc",
      timestamp: 42,
    });
    expect(signed.signature).toBe(expectedSignature(signed.baseString, "c%26s&t%20s"));
    expect(signed.authorization).toBe(
      'OAuth oauth_consumer_key="c%20k", oauth_nonce="abc", oauth_signature_method="HMAC-SHA256", ' +
        `oauth_timestamp="42", oauth_token="t%2Bk", oauth_version="1.0", oauth_signature="${encodeURIComponent(signed.signature)}"`,
    );
    expect(signed.baseString).toBe(
      "PUT&https%3A%2F%2Fshop.example.com%2Frest%2Fdefault%2FV1%2Fcarts%2F5%2Forder&" +
        "oauth_consumer_key%3Dc%2520k%26oauth_nonce%3Dabc%26oauth_signature_method%3DHMAC-SHA256%26" +
        "oauth_timestamp%3D42%26oauth_token%3Dt%252Bk%26oauth_version%3D1.0",
    );
  });

  it("is deterministic for a fixed nonce and timestamp and changes with them", () => {
    const input = { method: "GET", url: "https://s.example/rest/default/V1/orders/3", credentials, nonce: "x", timestamp: 5 };
    expect(signOAuth1Request(input).signature).toBe(signOAuth1Request(input).signature);
    expect(signOAuth1Request({ ...input, nonce: "y" }).signature).not.toBe(signOAuth1Request(input).signature);
  });
});

describe("parameter normalisation", () => {
  it("sorts by encoded name, then by value", () => {
    expect(
      oauth1NormaliseParams([
        ["b", "2"],
        ["a", "z"],
        ["a", "b"],
        ["a b", "1"],
      ]),
    ).toBe("a=b&a=z&a%20b=1&b=2");
  });

  it("drops the query and the default port from the base URI", () => {
    expect(oauth1BaseUri("HTTP://Example.COM:80/shop/rest/default/V1/x?y=1#z")).toBe("http://example.com/shop/rest/default/V1/x");
  });
});
