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
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * How current a {@link ServiceCache} is and what it has done, for endpoints and metrics.
 *
 * @param prefix the prefix the cache lists and watches
 * @param connected whether the watch stream is established; while it is not, lookups
 * answer from what the cache last saw
 * @param synced whether the cache holds a complete listing that its watch has kept
 * current since, false before the first listing and while re-listing
 * @param revision the latest etcd revision the cache has seen
 * @param lastListedAt when etcd was last listed, or {@code null}
 * @param lastEventAt when the last watch event was applied, or {@code null}
 * @param disconnectedSince since when the watch has not been established, or {@code null}
 * while it is
 * @param eventsApplied how many watch events were applied, duplicates excluded
 * @param resyncs how many times etcd was listed again after the first listing
 * @param valuesSkipped how many values were skipped because they are not instances,
 * counting each key and revision once
 * @param invalidKeys how many keys currently hold a value that is not an instance
 * @param lastSkipped the last value skipped, or {@code null} if none was
 * @param consecutiveFailures how many attempts to list or watch failed in a row
 * @param lastError the last failure in one line, or {@code null}
 * @param instancesPerService how many instances each service has, whatever their status
 * @author etcd-discovery authors
 */
public record ServiceCacheStats(String prefix, boolean connected, boolean synced, long revision,
		@Nullable Instant lastListedAt, @Nullable Instant lastEventAt, @Nullable Instant disconnectedSince,
		long eventsApplied, long resyncs, long valuesSkipped, int invalidKeys, @Nullable SkippedValue lastSkipped,
		int consecutiveFailures, @Nullable String lastError, Map<String, Integer> instancesPerService) {

	public ServiceCacheStats {
		instancesPerService = Collections.unmodifiableMap(new TreeMap<>(instancesPerService));
	}

}
