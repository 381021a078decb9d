export const metadata = { title: "Not allowed" };

export default function ForbiddenPage() {
  return (
    <div>
      <h1 className="text-2xl font-semibold text-brand-900">Not allowed</h1>
      <p className="mt-2 text-slate-600">Your role does not include this page. Ask a Custodian administrator if you need it.</p>
    </div>
  );
}
