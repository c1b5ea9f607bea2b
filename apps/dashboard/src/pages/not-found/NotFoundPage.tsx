import { useEffect } from 'preact/hooks';

export default function NotFoundPage() {
  useEffect(() => {
    document.title = 'Not found · Twinlog';
  }, []);
  return (
    <section aria-labelledby="nf-title">
      <h1 id="nf-title">No such page</h1>
      <p>
        <a href="/">Go to the plant overview</a>, or read the API at <a href="/docs">/docs</a>.
      </p>
    </section>
  );
}
