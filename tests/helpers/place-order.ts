// Places an order for a simulator cart over Magento's REST checkout routes, as a shopper
// finishing checkout would: shipping address and the first estimated method, then the first
// payment method offered. Returns the new order's entity id.

export async function placeSimulatorOrder(baseUrl: string, token: string, cartId: number): Promise<number> {
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/rest/V1/carts/${cartId}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const address = {
    firstname: "Follow",
    lastname: "Up",
    street: ["1 Main Street"],
    city: "Austin",
    region_code: "TX",
    country_id: "US",
    postcode: "78701",
    telephone: "5125550100",
    email: "follow.up@example.com",
  };
  const methods = (await call("POST", "/estimate-shipping-methods", { address })) as { carrier_code: string; method_code: string }[];
  const shipping = methods[0];
  if (!shipping) throw new Error(`cart ${cartId} has no shipping method`);
  await call("POST", "/shipping-information", {
    addressInformation: {
      shipping_address: address,
      billing_address: address,
      shipping_carrier_code: shipping.carrier_code,
      shipping_method_code: shipping.method_code,
    },
  });
  const payments = (await call("GET", "/payment-methods")) as { code: string }[];
  const payment = payments[0];
  if (!payment) throw new Error(`cart ${cartId} has no payment method`);
  return Number(
    await call("PUT", "/order", {
      paymentMethod: { method: payment.code, ...(payment.code === "purchaseorder" ? { po_number: "PO-1" } : {}) },
    }),
  );
}
