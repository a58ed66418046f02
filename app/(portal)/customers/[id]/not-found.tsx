import { DetailNotFound } from "@/components/detail/not-found";

export default function CustomerNotFound() {
  return <DetailNotFound noun="customer" listHref="/customers" listLabel="Magento Customers" />;
}
