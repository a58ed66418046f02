import { GridSkeleton } from "@/components/data-grid/grid-skeleton";

export default function Loading() {
  return <GridSkeleton title="Accounts" />;
}
