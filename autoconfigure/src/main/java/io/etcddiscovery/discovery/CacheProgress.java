/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How far a {@link ServiceCache} has followed etcd, immutable: written whole by the
 * cache's executor after each change and read by {@link ServiceCache#stats()} on any
 * thread, like the snapshot of instances, so that one read never mixes two moments.
 *
 * @param connected whether the watch is established
 * @param synced whether the cache holds a listing its watch has kept current since
 * @param revision the latest etcd revision seen
 * @param lastListedAt when etcd was last listed
 * @param lastEventAt when the last watch event was applied
 * @param disconnectedSince since when the watch has not been established
 * @param eventsApplied watch events applied, duplicates excluded
 * @param listings listings made, the first included
 * @param valuesSkipped values skipped, each key and revision once
 * @param invalidKeys keys that hold a value that is not an instance
 * @param lastSkipped the last value skipped
 * @param failures attempts to list that failed in a row
 * @param lastError the last failure in one line
 * @author etcd-discovery authors
 */
record CacheProgress(boolean connected, boolean synced, long revision, @Nullable Instant lastListedAt,
		@Nullable Instant lastEventAt, @Nullable Instant disconnectedSince, long eventsApplied, long listings,
		long valuesSkipped, int invalidKeys, @Nullable SkippedValue lastSkipped, int failures,
		@Nullable String lastError) {

	static final CacheProgress INITIAL = new CacheProgress(false, false, 0, null, null, null, 0, 0, 0, 0, null, 0,
			null);

}
