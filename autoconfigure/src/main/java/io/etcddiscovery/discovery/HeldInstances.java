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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.etcddiscovery.etcd.Durations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The protection against mass removal ({@link RemovalProtection}): which UP instances
 * left etcd without withdrawing themselves, and which of them the cache keeps serving.
 * Not thread-safe: owned by the cache's thread, like the {@link InstanceTable} that asks
 * it after each change.
 * <p>
 * An instance <em>vanished</em> when it was UP and no key of it (neither its instance key
 * nor its parked key) is left: its lease expired or its keys were deleted. An instance
 * that withdraws itself, or becomes unhealthy, moves to its parked key in one transaction
 * and never vanishes. The protection trips for a service when the instances that vanished
 * within the window, less those that came UP meanwhile and are still UP (replacements),
 * are more than the threshold's share of them and the instances still UP; it then holds
 * every instance that vanished within the window. A held instance is released when a key
 * of it is back in etcd (the real one replaces it), and every held instance of a service
 * is dropped when most of the service is UP again or the longest hold has passed.
 *
 * @author etcd-discovery authors
 */
final class HeldInstances {

	private static final Log logger = LogFactory.getLog(HeldInstances.class);

	private static final Comparator<DiscoveredInstance> ORDER = Comparator.comparing(DiscoveredInstance::instanceId);

	private final RemovalProtection policy;

	private final Clock clock;

	// The UP instances of each service after the last change, by instance id.
	private final Map<String, Map<String, DiscoveredInstance>> lastUp = new HashMap<>();

	private final Map<String, ServiceState> states = new HashMap<>();

	private long activations;

	private long released;

	// What stats() returns, and nextDeadline() reads, until a hold changes. The cache
	// asks for both after every change, and building them walks every service the
	// protection watches: half of the JFR samples of a JVM that withdrew 10,000
	// registrations at once.
	private @Nullable ProtectionStats stats;

	HeldInstances(RemovalProtection policy, Clock clock) {
		this.policy = policy;
		this.clock = clock;
	}

	/**
	 * Return whether the protection is on.
	 * @return whether it is on
	 */
	boolean isEnabled() {
		return this.policy.enabled();
	}

	/**
	 * Look at the services that changed in etcd, after the table applied the change. Only
	 * those whose UP instances changed, or that the protection already watches, are
	 * compared with what they had before: the others cost nothing.
	 * @param changed the services whose instances changed
	 * @param upChanged the services among them whose UP instances changed (one came UP,
	 * one stopped being UP or left)
	 * @param table what etcd holds now
	 * @return the services whose held instances changed
	 */
	Set<String> review(Set<String> changed, Set<String> upChanged, Table table) {
		if (!this.policy.enabled() || changed.isEmpty()) {
			return Set.of();
		}
		Instant now = this.clock.instant();
		Set<String> heldChanged = new HashSet<>();
		for (String service : changed) {
			if ((upChanged.contains(service) || this.states.containsKey(service)) && review(service, table, now)) {
				heldChanged.add(service);
			}
		}
		if (!heldChanged.isEmpty()) {
			this.stats = null;
		}
		return heldChanged;
	}

	/**
	 * Note the new value of an UP instance that stayed UP, so that the value held if it
	 * vanishes later is its latest.
	 * @param instance the instance
	 */
	void updated(DiscoveredInstance instance) {
		Map<String, DiscoveredInstance> up = this.lastUp.get(instance.service());
		if (up != null && up.containsKey(instance.instanceId())) {
			up.put(instance.instanceId(), instance);
		}
	}

	private boolean review(String service, Table table, Instant now) {
		Map<String, DiscoveredInstance> before = this.lastUp.getOrDefault(service, Map.of());
		Map<String, DiscoveredInstance> up = table.up(service);
		if (up.isEmpty()) {
			this.lastUp.remove(service);
		}
		else {
			this.lastUp.put(service, up);
		}
		ServiceState state = this.states.get(service);
		if (state == null) {
			state = new ServiceState();
		}
		Set<String> registered = table.registered(service);
		boolean heldChanged = false;
		for (String id : up.keySet()) {
			if (!before.containsKey(id) && state.losses.remove(id) == null && !before.isEmpty()) {
				// A replacement: a new instance took over some of the load.
				state.gains.put(id, now);
			}
		}
		// A replacement that is gone again, or no longer UP, took over nothing: an older
		// snapshot of etcd brings back instances that then vanish with the rest.
		state.gains.keySet().retainAll(up.keySet());
		state.losses.keySet().removeIf(registered::contains);
		Hold hold = state.hold;
		if (hold != null && hold.instances.keySet().removeIf(registered::contains)) {
			heldChanged = true;
		}
		for (Map.Entry<String, DiscoveredInstance> entry : before.entrySet()) {
			if (!registered.contains(entry.getKey())) {
				state.losses.put(entry.getKey(), new Loss(entry.getValue(), now));
				if (hold != null) {
					hold.instances.put(entry.getKey(), entry.getValue());
					heldChanged = true;
				}
			}
		}
		prune(state, now);
		if (hold == null) {
			heldChanged = trip(service, state, up.size(), now);
		}
		else if (hold.instances.isEmpty()) {
			end(service, state, "every held instance is back in etcd", now);
			heldChanged = true;
		}
		else if (!mostMissing(hold.instances.size(), up.size())) {
			end(service, state, "most of the service is UP in etcd again", now);
			heldChanged = true;
		}
		if (state.isEmpty()) {
			this.states.remove(service);
		}
		else {
			this.states.put(service, state);
		}
		return heldChanged;
	}

	/**
	 * End the holds whose longest time has passed.
	 * @return the services whose held instances changed
	 */
	Set<String> expire() {
		Instant now = this.clock.instant();
		Set<String> ended = new HashSet<>();
		for (Iterator<Map.Entry<String, ServiceState>> it = this.states.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, ServiceState> entry = it.next();
			ServiceState state = entry.getValue();
			Hold hold = state.hold;
			if (hold != null && !now.isBefore(hold.until)) {
				end(entry.getKey(), state,
						"the longest hold, " + Durations.format(this.policy.maxHold()) + ", has passed", now);
				ended.add(entry.getKey());
			}
			prune(state, now);
			if (state.isEmpty()) {
				it.remove();
			}
		}
		if (!ended.isEmpty()) {
			this.stats = null;
		}
		return ended;
	}

	/**
	 * Return when the first hold ends at the latest.
	 * @return the time, or {@code null} when nothing is held
	 */
	@Nullable Instant nextDeadline() {
		// From the statistics, built again only when a hold changes: asked after every
		// change, it costs nothing while nothing is held.
		Instant next = null;
		for (ProtectionStats.Hold hold : stats().holds()) {
			if (next == null || hold.until().isBefore(next)) {
				next = hold.until();
			}
		}
		return next;
	}

	/**
	 * Return the instances of a service held now.
	 * @param service the service
	 * @return the held instances, ordered by instance id
	 */
	List<DiscoveredInstance> heldOf(String service) {
		ServiceState state = this.states.get(service);
		Hold hold = (state != null) ? state.hold : null;
		if (hold == null || hold.instances.isEmpty()) {
			return List.of();
		}
		List<DiscoveredInstance> held = new ArrayList<>(hold.instances.values());
		held.sort(ORDER);
		return held;
	}

	/**
	 * Return what is held now.
	 * @return the statistics
	 */
	ProtectionStats stats() {
		ProtectionStats current = this.stats;
		if (current == null) {
			current = currentStats();
			this.stats = current;
		}
		return current;
	}

	private ProtectionStats currentStats() {
		List<ProtectionStats.Hold> holds = new ArrayList<>();
		for (Map.Entry<String, ServiceState> entry : new TreeMap<>(this.states).entrySet()) {
			Hold hold = entry.getValue().hold;
			if (hold != null) {
				holds.add(new ProtectionStats.Hold(entry.getKey(), hold.since, hold.until, hold.lost, hold.up,
						heldOf(entry.getKey())));
			}
		}
		return new ProtectionStats(this.policy.enabled(), holds, this.activations, this.released);
	}

	private boolean trip(String service, ServiceState state, int up, Instant now) {
		int lost = state.losses.size();
		int offset = Math.min(lost, state.gains.size());
		if (lost == 0 || !mostMissing(lost - offset, up)) {
			return false;
		}
		Hold hold = new Hold(now, now.plus(this.policy.maxHold()), lost, up);
		state.losses.forEach((id, loss) -> hold.instances.put(id, loss.instance));
		state.hold(hold);
		this.activations++;
		logger.warn(("%s lost %d of its %d UP instances within %s without their withdrawal (lease expired or keys "
				+ "deleted): protection holds %s, served until they are back in etcd, most of %s is, or %s have passed")
			.formatted(service, lost, lost + up, Durations.format(this.policy.window()), ids(hold.instances.keySet()),
					service, Durations.format(this.policy.maxHold())));
		return true;
	}

	private boolean mostMissing(int missing, int up) {
		return missing > 0 && missing > this.policy.threshold() * (missing + up);
	}

	private void end(String service, ServiceState state, String reason, Instant now) {
		Hold hold = state.hold;
		if (hold == null) {
			return;
		}
		// Whatever vanished before the end is not held again: it had its chance.
		state.clear();
		this.released += hold.instances.size();
		logger.info("Protection of %s ended after %s: %s%s".formatted(service,
				Durations.format(Duration.between(hold.since, now)), reason,
				hold.instances.isEmpty() ? "" : "; dropped " + ids(hold.instances.keySet())));
	}

	private void prune(ServiceState state, Instant now) {
		Instant oldest = now.minus(this.policy.window());
		state.losses.values().removeIf((loss) -> loss.at.isBefore(oldest));
		state.gains.values().removeIf((at) -> at.isBefore(oldest));
	}

	private static String ids(Set<String> ids) {
		return String.join(", ", ids.stream().sorted().toList());
	}

	/**
	 * What etcd holds, as the table knows it.
	 */
	interface Table {

		/**
		 * Return the UP instances of a service.
		 * @param service the service
		 * @return the instances by instance id
		 */
		Map<String, DiscoveredInstance> up(String service);

		/**
		 * Return the ids of the instances of a service of which etcd holds a key,
		 * whatever their status.
		 * @param service the service
		 * @return the instance ids
		 */
		Set<String> registered(String service);

	}

	/**
	 * An instance that vanished, and when.
	 */
	private record Loss(DiscoveredInstance instance, Instant at) {

	}

	/**
	 * The instances of a service held since the protection tripped.
	 */
	private static final class Hold {

		private final Instant since;

		private final Instant until;

		private final int lost;

		private final int up;

		private final Map<String, DiscoveredInstance> instances = new HashMap<>();

		Hold(Instant since, Instant until, int lost, int up) {
			this.since = since;
			this.until = until;
			this.lost = lost;
			this.up = up;
		}

	}

	/**
	 * What the protection remembers of one service.
	 */
	private static final class ServiceState {

		private final Map<String, Loss> losses = new HashMap<>();

		// The replacements still UP, by instance id, and when each came UP.
		private final Map<String, Instant> gains = new HashMap<>();

		private @Nullable Hold hold;

		boolean isEmpty() {
			return this.hold == null && this.losses.isEmpty() && this.gains.isEmpty();
		}

		void hold(Hold hold) {
			this.hold = hold;
		}

		void clear() {
			this.hold = null;
			this.losses.clear();
			this.gains.clear();
		}

	}

}
