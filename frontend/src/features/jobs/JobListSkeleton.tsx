export function JobListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <ul className="job-list job-list--skeleton" aria-hidden="true">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="job-row job-row--skeleton">
          <span className="skeleton skeleton--thumb" />
          <span className="skeleton-lines">
            <span className="skeleton skeleton--line" />
            <span className="skeleton skeleton--line skeleton--short" />
          </span>
        </li>
      ))}
    </ul>
  );
}
