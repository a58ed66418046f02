import { DetailNotFound } from "@/components/detail/not-found";

export default function CartNotFound() {
  return <DetailNotFound noun="cart" listHref="/sales/carts" listLabel="Shopping Carts" />;
}
