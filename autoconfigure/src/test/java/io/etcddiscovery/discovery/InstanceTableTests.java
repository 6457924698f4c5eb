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

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceTable}, the cache's state without its threads: applying
 * listings and events, skipping values that are not instances, and building
 * {@link CacheSnapshot snapshots}.
 *
 * @author etcd-discovery authors
 */
class InstanceTableTests {

	private static final String PREFIX = "/services/default/";

	private static final Instant REGISTERED_AT = Instant.parse("2026-01-02T03:04:05Z");

	private final NamingFormat codec = new NamingFormat();

	private final ServiceInstanceReader reader = new ServiceInstanceReader(PREFIX);

	private final List<String> skipped = new ArrayList<>();

	private final InstanceTable table = new InstanceTable(this.reader,
			(key, revision, reason) -> this.skipped.add(key + "@" + revision + ": " + reason));

	@Test
	void listingOrdersInstancesByIdAndPicksTheUpOnes() {
		Set<String> changed = this.table.replace(
				List.of(put("orders", "o3", InstanceStatus.UP, 5), put("orders", "o1", InstanceStatus.DOWN, 6),
						put("orders", "o2", InstanceStatus.UP, 7), put("billing", "b1", InstanceStatus.STARTING, 8)),
				10);
		assertThat(changed).containsExactlyInAnyOrder("orders", "billing");
		ServiceInstances orders = this.table.instancesOf("orders", null);
		assertThat(ids(orders.all())).containsExactly("o1", "o2", "o3");
		assertThat(ids(orders.up())).containsExactly("o2", "o3");
		assertThat(this.table.instancesOf("billing", null).up()).isEmpty();
		assertThat(this.table.revision()).isEqualTo(10);
	}

	@Test
	void eventsAreAppliedOnlyIfNewerThanWhatIsHeld() {
		this.table.replace(List.of(put("orders", "o1", InstanceStatus.UP, 5)), 10);
		List<KeyChange> events = List.of(put("orders", "o1", InstanceStatus.DOWN, 11),
				put("orders", "o2", InstanceStatus.UP, 12), delete("orders", "o2", 13),
				put("orders", "o3", InstanceStatus.UP, 13));
		assertThat(this.table.apply(events)).containsExactly("orders");
		assertThat(this.table.eventsApplied()).isEqualTo(4);
		// jetcd resumed from an earlier revision and delivers the same events again.
		assertThat(this.table.apply(events)).isEmpty();
		assertThat(this.table.apply(events.subList(2, 4))).isEmpty();
		assertThat(this.table.eventsApplied()).isEqualTo(4);
		ServiceInstances orders = this.table.instancesOf("orders", null);
		assertThat(ids(orders.all())).containsExactly("o1", "o3");
		assertThat(orders.all().get(0).status()).isEqualTo(InstanceStatus.DOWN);
	}

	@Test
	void aListingReplacesEverythingEvenAtALowerRevision() {
		this.table.replace(List.of(put("orders", "o1", InstanceStatus.UP, 50),
				put("orders", "o2", InstanceStatus.UP, 60), put("billing", "b1", InstanceStatus.UP, 70)), 100);
		// etcd was wiped: revisions start again from 1.
		Set<String> changed = this.table.replace(List.of(put("orders", "o2", InstanceStatus.UP, 2)), 3);
		assertThat(changed).containsExactlyInAnyOrder("orders", "billing");
		assertThat(ids(this.table.instancesOf("orders", null).all())).containsExactly("o2");
		assertThat(this.table.instancesOf("billing", null).isEmpty()).isTrue();
		assertThat(this.table.apply(List.of(put("orders", "o4", InstanceStatus.UP, 4)))).containsExactly("orders");
	}

	@Test
	void anInvalidValueRemovesTheInstanceAndIsReportedOncePerRevision() {
		this.table
			.replace(List.of(put("orders", "o1", InstanceStatus.UP, 5), put("orders", "o2", InstanceStatus.UP, 6)), 10);
		KeyChange garbage = new KeyChange(PREFIX + "orders/o1", bytes("garbage"), 11);
		assertThat(this.table.apply(List.of(garbage))).containsExactly("orders");
		assertThat(ids(this.table.instancesOf("orders", null).all())).containsExactly("o2");
		assertThat(this.table.invalidKeys()).isEqualTo(1);
		this.table.replace(List.of(garbage, put("orders", "o2", InstanceStatus.UP, 6)), 12);
		assertThat(this.skipped).containsExactly(PREFIX + "orders/o1@11: neither etcd's naming format nor host:port");
		this.table.apply(List.of(put("orders", "o1", InstanceStatus.UP, 13)));
		assertThat(this.table.invalidKeys()).isZero();
		assertThat(ids(this.table.instancesOf("orders", null).all())).containsExactly("o1", "o2");
	}

	@Test
	void snapshotsShareTheListsThatDidNotChange() {
		this.table.replace(List.of(put("orders", "o1", InstanceStatus.UP, 5),
				put("orders", "o2", InstanceStatus.DOWN, 6), put("billing", "b1", InstanceStatus.UP, 7)), 10);
		CacheSnapshot first = CacheSnapshot.EMPTY
			.with(List.of(this.table.instancesOf("orders", null), this.table.instancesOf("billing", null)), true);
		assertThat(first.isListed()).isTrue();
		assertThat(first.names()).containsExactly("billing", "orders");
		this.table.apply(List.of(put("orders", "o2", InstanceStatus.OUT_OF_SERVICE, 11)));
		ServiceInstances orders = this.table.instancesOf("orders", first.get("orders"));
		CacheSnapshot second = first.with(List.of(orders), true);
		assertThat(second.get("orders").up()).isSameAs(first.get("orders").up());
		assertThat(second.get("orders").all()).isNotSameAs(first.get("orders").all());
		assertThat(second.get("billing")).isSameAs(first.get("billing"));
		assertThat(second.names()).isSameAs(first.names());
		this.table.apply(List.of(delete("billing", "b1", 12)));
		CacheSnapshot third = second.with(List.of(this.table.instancesOf("billing", second.get("billing"))), true);
		assertThat(third.names()).containsExactly("orders");
		assertThat(third.get("billing")).isNull();
		this.table.apply(List.of(put("billing", "b2", InstanceStatus.UP, 13)));
		CacheSnapshot fourth = third.with(List.of(this.table.instancesOf("billing", null)), true);
		assertThat(fourth.names()).containsExactly("billing", "orders");
	}

	private KeyChange put(String service, String id, InstanceStatus status, long revision) {
		return new KeyChange(PREFIX + service + "/" + id, value(service, id, status), revision);
	}

	private static KeyChange delete(String service, String id, long revision) {
		return new KeyChange(PREFIX + service + "/" + id, null, revision);
	}

	private byte[] value(String service, String id, InstanceStatus status) {
		return this.codec.encode(
				new ServiceRegistration("default", service, id, "10.0.0.1", 8080, true, Map.of("zone", "eu-1"), status),
				REGISTERED_AT);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

}
