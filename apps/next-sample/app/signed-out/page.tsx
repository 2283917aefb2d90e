export default function SignedOut() {
  return (
    <main>
      <h1>Signed out</h1>
      <p data-testid="goodbye">You have signed out of Yandex Tracker.</p>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </main>
  );
}
