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

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;

/**
 * The instances read from etcd, by key and by service, kept up to date from a listing and
 * then from watch events. Not thread-safe: owned by the cache's thread.
 * <p>
 * Within one generation (one listing and the watch that follows it) an event is applied
 * only if it is newer than what the table holds, because jetcd may deliver an event twice
 * when it resumes a watch. A listing starts a new generation and replaces everything, so
 * that the lower revisions of a wiped etcd are not mistaken for old ones.
 * <p>
 * After each listing and each batch of events the table asks {@link HeldInstances}
 * whether most of a service vanished at once; the instances it holds are served with the
 * others.
 *
 * @author etcd-discovery authors
 */
final class InstanceTable implements HeldInstances.Table {

	private final InstanceReader reader;

	private final SkipListener skipListener;

	private final HeldInstances held;

	private final Map<String, DiscoveredInstance> byKey = new HashMap<>();

	private final Map<String, Map<String, DiscoveredInstance>> byService = new HashMap<>();

	// Keys whose value is not an instance, with the revision of that value.
	private final Map<String, Long> invalid = new HashMap<>();

	private long revision;

	private long eventsApplied;

	InstanceTable(InstanceReader reader, SkipListener skipListener) {
		this(reader, skipListener, new HeldInstances(RemovalProtection.DISABLED, Clock.systemUTC()));
	}

	InstanceTable(InstanceReader reader, SkipListener skipListener, HeldInstances held) {
		this.reader = reader;
		this.skipListener = skipListener;
		this.held = held;
	}

	/**
	 * Replace everything with a listing of etcd.
	 * @param kvs the keys and values listed
	 * @param revision the revision of the listing
	 * @return the services whose instances changed
	 */
	Set<String> replace(List<KeyChange> kvs, long revision) {
		Map<String, DiscoveredInstance> previous = new HashMap<>(this.byKey);
		Map<String, Long> previousInvalid = new HashMap<>(this.invalid);
		this.byKey.clear();
		this.byService.clear();
		this.invalid.clear();
		Set<String> changed = new HashSet<>();
		for (KeyChange kv : kvs) {
			if (kv.value() == null) {
				continue;
			}
			DiscoveredInstance instance = read(kv, previousInvalid.get(kv.key()));
			if (instance != null) {
				put(instance);
				if (!instance.equals(previous.remove(kv.key()))) {
					changed.add(instance.service());
				}
			}
		}
		previous.values().forEach((gone) -> changed.add(gone.service()));
		this.revision = revision;
		changed.addAll(this.held.review(changed, changed, this));
		return changed;
	}

	/**
	 * Apply watch events, in revision order, skipping what was already applied.
	 * @param events the events
	 * @return the services whose instances changed
	 */
	Set<String> apply(List<KeyChange> events) {
		Set<String> changed = new HashSet<>();
		// Whether each key held an UP instance before this batch, to tell the protection
		// only about services whose UP instances changed.
		Map<String, UpBefore> upBefore = new HashMap<>();
		for (KeyChange event : events) {
			if (event.modRevision() < this.revision || isHeld(event)) {
				continue;
			}
			this.revision = event.modRevision();
			if (event.value() == null && !this.byKey.containsKey(event.key())
					&& !this.invalid.containsKey(event.key())) {
				// Already gone: a redelivered delete.
				continue;
			}
			this.eventsApplied++;
			DiscoveredInstance removed = remove(event.key());
			if (removed != null) {
				upBefore.putIfAbsent(event.key(), new UpBefore(removed.service(), removed.isUp()));
			}
			DiscoveredInstance added = null;
			if (event.value() != null) {
				added = read(event, this.invalid.get(event.key()));
			}
			else {
				this.invalid.remove(event.key());
			}
			if (added != null) {
				put(added);
				upBefore.putIfAbsent(event.key(), new UpBefore(added.service(), false));
				changed.add(added.service());
			}
			if (removed != null) {
				changed.add(removed.service());
			}
		}
		if (this.held.isEnabled() && !changed.isEmpty()) {
			changed.addAll(this.held.review(changed, upChanged(upBefore), this));
		}
		return changed;
	}

	private Set<String> upChanged(Map<String, UpBefore> upBefore) {
		Set<String> services = new HashSet<>();
		upBefore.forEach((key, before) -> {
			DiscoveredInstance now = this.byKey.get(key);
			boolean upNow = now != null && now.isUp();
			if (upNow != before.up()) {
				services.add(before.service());
			}
			else if (now != null && upNow) {
				// Updated in place: if it vanishes later, its latest value is held.
				this.held.updated(now);
			}
		});
		return services;
	}

	/**
	 * End the holds of the protection whose longest time has passed.
	 * @return the services whose instances changed
	 */
	Set<String> expireHolds() {
		return this.held.expire();
	}

	/**
	 * Return what the protection against mass removal holds.
	 * @return the held instances
	 */
	HeldInstances held() {
		return this.held;
	}

	@Override
	public Map<String, DiscoveredInstance> up(String service) {
		Map<String, DiscoveredInstance> instances = this.byService.get(service);
		if (instances == null) {
			return Map.of();
		}
		Map<String, DiscoveredInstance> up = new HashMap<>();
		for (DiscoveredInstance instance : instances.values()) {
			if (instance.isUp()) {
				up.put(instance.instanceId(), instance);
			}
		}
		return up;
	}

	@Override
	public Set<String> registered(String service) {
		Map<String, DiscoveredInstance> instances = this.byService.get(service);
		if (instances == null) {
			return Set.of();
		}
		Set<String> ids = new HashSet<>();
		for (DiscoveredInstance instance : instances.values()) {
			ids.add(instance.instanceId());
		}
		return ids;
	}

	private boolean isHeld(KeyChange event) {
		DiscoveredInstance held = this.byKey.get(event.key());
		Long invalidRevision = this.invalid.get(event.key());
		return (held != null && held.modRevision() >= event.modRevision())
				|| (invalidRevision != null && invalidRevision >= event.modRevision());
	}

	private @Nullable DiscoveredInstance read(KeyChange kv, @Nullable Long knownInvalidRevision) {
		try {
			DiscoveredInstance instance = this.reader.read(kv.key(), Objects.requireNonNull(kv.value()),
					kv.modRevision());
			// null: another tree under the same prefix, ignored without noise.
			this.invalid.remove(kv.key());
			return instance;
		}
		catch (InvalidInstanceValueException ex) {
			return skip(kv, knownInvalidRevision, String.valueOf(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			// A value no rule foresaw: skipped like any other, never fatal to the others.
			return skip(kv, knownInvalidRevision, "unreadable (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private @Nullable DiscoveredInstance skip(KeyChange kv, @Nullable Long knownInvalidRevision, String reason) {
		this.invalid.put(kv.key(), kv.modRevision());
		if (knownInvalidRevision == null || knownInvalidRevision != kv.modRevision()) {
			this.skipListener.skipped(kv.key(), kv.modRevision(), reason);
		}
		return null;
	}

	private void put(DiscoveredInstance instance) {
		this.byKey.put(instance.key(), instance);
		this.byService.computeIfAbsent(instance.service(), (service) -> new LinkedHashMap<>())
			.put(instance.key(), instance);
	}

	private @Nullable DiscoveredInstance remove(String key) {
		DiscoveredInstance removed = this.byKey.remove(key);
		if (removed != null) {
			Map<String, DiscoveredInstance> instances = this.byService.get(removed.service());
			if (instances != null) {
				instances.remove(key);
			}
			if (instances == null || instances.isEmpty()) {
				this.byService.remove(removed.service());
			}
		}
		return removed;
	}

	/**
	 * Return the current instances of a service.
	 * @param service the service
	 * @param previous what the service had before, to share unchanged lists
	 * @return the instances
	 */
	ServiceInstances instancesOf(String service, @Nullable ServiceInstances previous) {
		Map<String, DiscoveredInstance> instances = this.byService.get(service);
		List<DiscoveredInstance> heldInstances = this.held.heldOf(service);
		if (instances == null && heldInstances.isEmpty()) {
			return ServiceInstances.empty(service);
		}
		return ServiceInstances.of(service, (instances != null) ? new ArrayList<>(instances.values()) : List.of(),
				heldInstances, previous);
	}

	/**
	 * Add the current instances of a service to a list.
	 * @param service the service
	 * @param to the list
	 */
	void addInstancesOf(String service, List<DiscoveredInstance> to) {
		Map<String, DiscoveredInstance> instances = this.byService.get(service);
		if (instances != null) {
			to.addAll(instances.values());
		}
	}

	/**
	 * Return the revision of the last listing or of the last event applied.
	 * @return the revision
	 */
	long revision() {
		return this.revision;
	}

	/**
	 * Return how many events were applied, duplicates excluded.
	 * @return the number of events
	 */
	long eventsApplied() {
		return this.eventsApplied;
	}

	/**
	 * Return how many instances the table holds.
	 * @return the number of instances
	 */
	int size() {
		return this.byKey.size();
	}

	/**
	 * Return how many services the table holds instances of.
	 * @return the number of services
	 */
	int serviceCount() {
		return this.byService.size();
	}

	/**
	 * Return how many keys hold a value that is not an instance.
	 * @return the number of keys
	 */
	int invalidKeys() {
		return this.invalid.size();
	}

	/**
	 * A key as listed, or as changed by a watch event.
	 *
	 * @param key the key
	 * @param value the value, {@code null} when the key was deleted
	 * @param modRevision the revision of the change
	 */
	record KeyChange(String key, byte @Nullable [] value, long modRevision) {

	}

	/**
	 * Told about each value that is not an instance, once per key and revision.
	 */
	@FunctionalInterface
	interface SkipListener {

		void skipped(String key, long modRevision, String reason);

	}

	/**
	 * Whether a key held an UP instance before a batch of events, and of which service.
	 */
	private record UpBefore(String service, boolean up) {

	}

}
