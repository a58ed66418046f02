import { DetailNotFound } from "@/components/detail/not-found";

export default function OrderNotFound() {
  return <DetailNotFound noun="order" listHref="/sales/orders" listLabel="Orders" />;
}
