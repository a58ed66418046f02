import { DetailNotFound } from "@/components/detail/not-found";

export default function AccountNotFound() {
  return <DetailNotFound noun="account" listHref="/customers/accounts" listLabel="Accounts" />;
}
