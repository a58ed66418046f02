import { DetailNotFound } from "@/components/detail/not-found";

export default function CreditMemoNotFound() {
  return <DetailNotFound noun="credit memo" listHref="/sales/credit-memos" listLabel="Credit Memos" />;
}
