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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the trigger of the protection against mass removal ({@link HeldInstances})
 * through the {@link InstanceTable} that asks it: what trips it, what never does, and
 * when a hold ends. Time is a clock the test moves.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class HeldInstancesTests {

	private static final String PREFIX = "/services/default/";

	private static final Instant REGISTERED_AT = Instant.parse("2026-01-02T03:04:05Z");

	private static final RemovalProtection PROTECTION = new RemovalProtection(true, 0.5, Duration.ofSeconds(30),
			Duration.ofMinutes(5));

	private final NamingFormat codec = new NamingFormat();

	private final MovableClock clock = new MovableClock();

	private final HeldInstances held = new HeldInstances(PROTECTION, this.clock);

	private final InstanceTable table = new InstanceTable(new ServiceInstanceReader(PREFIX),
			(key, revision, reason) -> {
			}, this.held);

	private long revision = 10;

	@Test
	void everyInstanceDeletedAtOnceIsHeld(CapturedOutput output) {
		list("o1", "o2", "o3");
		assertThat(apply(delete("o1"), delete("o2"), delete("o3"))).containsExactly("orders");
		ServiceInstances orders = orders();
		assertThat(ids(orders.up())).containsExactly("o1", "o2", "o3");
		assertThat(ids(orders.held())).containsExactly("o1", "o2", "o3");
		assertThat(orders.isHeld(orders.up().get(0))).isTrue();
		ProtectionStats stats = this.held.stats();
		assertThat(stats.activations()).isOne();
		assertThat(stats.heldInstances()).isEqualTo(3);
		assertThat(stats.holds()).singleElement().satisfies((hold) -> {
			assertThat(hold.service()).isEqualTo("orders");
			assertThat(hold.lost()).isEqualTo(3);
			assertThat(hold.up()).isZero();
			assertThat(hold.until()).isEqualTo(hold.since().plus(PROTECTION.maxHold()));
		});
		assertThat(output).contains("orders lost 3 of its 3 UP instances within 30s without their withdrawal")
			.contains("protection holds o1, o2, o3");
	}

	@Test
	void theOnlyInstanceVanishingIsHeld() {
		list("o1");
		apply(delete("o1"));
		assertThat(ids(orders().held())).containsExactly("o1");
	}

	@Test
	void halfOfTheInstancesVanishingIsNotHeldButMoreIs() {
		list("o1", "o2", "o3", "o4");
		apply(delete("o1"));
		assertThat(ids(orders().up())).containsExactly("o2", "o3", "o4");
		this.clock.move(Duration.ofSeconds(5));
		apply(delete("o2"));
		assertThat(ids(orders().up())).containsExactly("o3", "o4");
		assertThat(orders().held()).isEmpty();
		// A lease expiring after the others, as in a partition: the ones that vanished
		// earlier in the window are served again.
		this.clock.move(Duration.ofSeconds(5));
		apply(delete("o3"));
		assertThat(ids(orders().up())).containsExactly("o1", "o2", "o3", "o4");
		assertThat(ids(orders().held())).containsExactly("o1", "o2", "o3");
		apply(delete("o4"));
		assertThat(ids(orders().held())).containsExactly("o1", "o2", "o3", "o4");
		assertThat(this.held.stats().activations()).isOne();
	}

	@Test
	void instancesThatWithdrawThemselvesAreNeverHeld() {
		list("o1", "o2", "o3", "o4");
		// Each moves to its parked key in one transaction, then its lease is revoked.
		apply(delete("o1"), parked("o1"), delete("o2"), parked("o2"), delete("o3"), parked("o3"));
		assertThat(ids(orders().up())).containsExactly("o4");
		apply(deleteParked("o1"), deleteParked("o2"), deleteParked("o3"));
		assertThat(ids(orders().all())).containsExactly("o4");
		assertThat(orders().held()).isEmpty();
		assertThat(this.held.stats().activations()).isZero();
	}

	@Test
	void theLastInstanceVanishingAfterAScaleDownIsHeld() {
		list("o1", "o2", "o3", "o4");
		apply(delete("o1"), parked("o1"), delete("o2"), parked("o2"), delete("o3"), parked("o3"));
		apply(deleteParked("o1"), deleteParked("o2"), deleteParked("o3"));
		apply(delete("o4"));
		assertThat(ids(orders().all())).containsExactly("o4");
		assertThat(ids(orders().held())).containsExactly("o4");
	}

	@Test
	void instancesReplacedOneByOneUngracefullyNeverTripIt() {
		list("o1", "o2", "o3");
		for (String id : List.of("o1", "o2", "o3")) {
			apply(delete(id));
			this.clock.move(Duration.ofSeconds(2));
			apply(put(id + "-new", InstanceStatus.UP));
			this.clock.move(Duration.ofSeconds(2));
		}
		assertThat(ids(orders().up())).containsExactly("o1-new", "o2-new", "o3-new");
		assertThat(this.held.stats().activations()).isZero();
	}

	@Test
	void aReplacementThatVanishesTooReplacesNothing() {
		list("o1", "o2", "o3", "o4");
		apply(put("o5", InstanceStatus.UP));
		// o5 came back with an older snapshot of etcd, on a lease that expires first: it
		// offsets none of the losses that follow.
		apply(delete("o5"));
		apply(delete("o1"));
		assertThat(orders().held()).isEmpty();
		apply(delete("o2"));
		assertThat(ids(orders().up())).containsExactly("o1", "o2", "o3", "o4", "o5");
		assertThat(ids(orders().held())).containsExactly("o1", "o2", "o5");
	}

	@Test
	void aReplacementThatStopsBeingUpReplacesNothing() {
		list("o1", "o2", "o3", "o4", "o5");
		apply(put("o6", InstanceStatus.UP));
		apply(put("o6", InstanceStatus.DOWN));
		apply(delete("o1"), delete("o2"), delete("o3"));
		assertThat(ids(orders().held())).containsExactly("o1", "o2", "o3");
	}

	@Test
	void instancesRestartedOneByOneUnderTheSameIdNeverTripIt() {
		list("o1", "o2", "o3");
		for (String id : List.of("o1", "o2", "o3")) {
			apply(delete(id));
			this.clock.move(Duration.ofSeconds(2));
			apply(put(id, InstanceStatus.UP));
		}
		assertThat(ids(orders().up())).containsExactly("o1", "o2", "o3");
		assertThat(this.held.stats().activations()).isZero();
	}

	@Test
	void lossesFurtherApartThanTheWindowAreNotAddedUp() {
		list("o1", "o2", "o3", "o4");
		apply(delete("o1"));
		this.clock.move(Duration.ofSeconds(31));
		apply(delete("o2"));
		this.clock.move(Duration.ofSeconds(31));
		apply(delete("o3"));
		assertThat(ids(orders().up())).containsExactly("o4");
		assertThat(orders().held()).isEmpty();
	}

	@Test
	void aHeldInstanceIsReplacedByItsRealOneWhenItComesBack() {
		list("o1", "o2", "o3");
		apply(delete("o1"), delete("o2"), delete("o3"));
		apply(put("o1", InstanceStatus.UP));
		ServiceInstances orders = orders();
		assertThat(ids(orders.up())).containsExactly("o1", "o2", "o3");
		assertThat(ids(orders.held())).containsExactly("o2", "o3");
		assertThat(orders.isHeld(orders.up().get(0))).isFalse();
	}

	@Test
	void aHeldInstanceThatComesBackParkedIsNoLongerServed() {
		list("o1", "o2", "o3");
		apply(delete("o1"), delete("o2"), delete("o3"));
		apply(parked("o1"));
		assertThat(ids(orders().up())).containsExactly("o2", "o3");
		assertThat(orders().all()).hasSize(3);
	}

	@Test
	void theHoldEndsWhenMostOfTheServiceIsBack(CapturedOutput output) {
		list("o1", "o2", "o3");
		apply(delete("o1"), delete("o2"), delete("o3"));
		this.clock.move(Duration.ofSeconds(10));
		apply(put("o1", InstanceStatus.UP));
		assertThat(ids(orders().held())).containsExactly("o2", "o3");
		apply(put("o2", InstanceStatus.UP));
		// o3 really died meanwhile: dropped once most of the service is back.
		assertThat(ids(orders().up())).containsExactly("o1", "o2");
		assertThat(orders().held()).isEmpty();
		assertThat(this.held.stats().holds()).isEmpty();
		assertThat(this.held.stats().released()).isOne();
		assertThat(output)
			.contains("Protection of orders ended after 10s: most of the service is UP in etcd again; " + "dropped o3");
	}

	@Test
	void theHoldEndsAfterTheLongestHold(CapturedOutput output) {
		list("o1", "o2", "o3");
		apply(delete("o1"), delete("o2"), delete("o3"));
		assertThat(this.held.nextDeadline()).isEqualTo(this.clock.instant().plus(PROTECTION.maxHold()));
		this.clock.move(Duration.ofMinutes(4));
		assertThat(this.table.expireHolds()).isEmpty();
		assertThat(orders().held()).hasSize(3);
		this.clock.move(Duration.ofMinutes(1));
		assertThat(this.table.expireHolds()).containsExactly("orders");
		assertThat(orders().all()).isEmpty();
		assertThat(this.held.nextDeadline()).isNull();
		assertThat(this.held.stats().released()).isEqualTo(3);
		assertThat(output).contains(
				"Protection of orders ended after 300s: the longest hold, 300s, has passed; " + "dropped o1, o2, o3");
		// Held once, never again.
		apply(put("o4", InstanceStatus.UP));
		assertThat(ids(orders().all())).containsExactly("o4");
	}

	@Test
	void aListingThatLacksMostInstancesTripsIt() {
		list("o1", "o2", "o3");
		// etcd wiped, then listed again.
		this.table.replace(List.of(), ++this.revision);
		assertThat(ids(orders().held())).containsExactly("o1", "o2", "o3");
	}

	@Test
	void otherServicesAreNotHeldWithTheOne() {
		this.table.replace(List.of(put("o1", InstanceStatus.UP), put("billing", "b1", InstanceStatus.UP),
				put("billing", "b2", InstanceStatus.UP)), ++this.revision);
		apply(delete("o1"), delete("billing", "b1"));
		assertThat(ids(orders().held())).containsExactly("o1");
		assertThat(ids(this.table.instancesOf("billing", null).up())).containsExactly("b2");
	}

	@Test
	void aNewServiceTripsNothingAndReplacesNothing() {
		list("o1", "o2", "o3");
		// billing appears: its instances are neither losses nor replacements of orders'.
		apply(put("billing", "b1", InstanceStatus.UP), put("billing", "b2", InstanceStatus.UP));
		assertThat(this.held.stats().activations()).isZero();
		assertThat(this.held.stats().holds()).isEmpty();
		apply(delete("o1"), delete("o2"));
		assertThat(ids(orders().held())).containsExactly("o1", "o2");
		assertThat(ids(this.table.instancesOf("billing", null).up())).containsExactly("b1", "b2");
		assertThat(this.table.instancesOf("billing", null).held()).isEmpty();
	}

	@Test
	void aScaleOutThenAFewLossesIsNotHeld() {
		list("o1", "o2", "o3", "o4");
		// Scaled out by two, then two vanish: four of six remain, nothing is held.
		apply(put("o5", InstanceStatus.UP), put("o6", InstanceStatus.UP));
		apply(delete("o1"), delete("o2"));
		assertThat(orders().held()).isEmpty();
		assertThat(ids(orders().up())).containsExactly("o3", "o4", "o5", "o6");
	}

	@Test
	void theLatestValueOfAnInstanceUpdatedInPlaceIsHeld() {
		list("o1", "o2");
		apply(new KeyChange(PREFIX + "orders/o1", value("orders", "o1", InstanceStatus.UP, Map.of("zone", "z2")), 0));
		apply(delete("o1"), delete("o2"));
		assertThat(orders().held()).extracting(DiscoveredInstance::instanceId, DiscoveredInstance::metadata)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("o1", Map.of("zone", "z2")),
					org.assertj.core.groups.Tuple.tuple("o2", Map.of()));
	}

	@Test
	void theStatisticsAreBuiltAgainOnlyWhenAHoldChanges() {
		list("o1", "o2", "o3", "o4");
		ProtectionStats none = this.held.stats();
		apply(put("o5", InstanceStatus.UP));
		apply(delete("o1"));
		assertThat(this.held.stats()).isSameAs(none);
		apply(delete("o2"), delete("o3"), delete("o4"));
		ProtectionStats holding = this.held.stats();
		assertThat(holding).isNotSameAs(none);
		assertThat(holding.heldInstances()).isEqualTo(4);
		apply(put("o6", InstanceStatus.UP));
		assertThat(this.held.stats()).isSameAs(holding);
		// o1 back: three of six UP, the hold ends.
		apply(put("o1", InstanceStatus.UP));
		assertThat(this.held.stats().heldInstances()).isZero();
		assertThat(this.held.stats().released()).isEqualTo(3);
	}

	@Test
	void nothingIsHeldWhenDisabled() {
		InstanceTable unprotected = new InstanceTable(new ServiceInstanceReader(PREFIX), (key, revision, reason) -> {
		});
		unprotected.replace(List.of(put("o1", InstanceStatus.UP)), 1);
		unprotected.apply(List.of(new KeyChange(PREFIX + "orders/o1", null, 2)));
		assertThat(unprotected.instancesOf("orders", null).all()).isEmpty();
	}

	private void list(String... ids) {
		List<KeyChange> kvs = new ArrayList<>();
		for (String id : ids) {
			kvs.add(put(id, InstanceStatus.UP));
		}
		this.table.replace(kvs, ++this.revision);
	}

	private Set<String> apply(KeyChange... changes) {
		long at = ++this.revision;
		List<KeyChange> events = new ArrayList<>();
		for (KeyChange change : changes) {
			events.add(new KeyChange(change.key(), change.value(), at));
		}
		return this.table.apply(events);
	}

	private ServiceInstances orders() {
		return this.table.instancesOf("orders", null);
	}

	private KeyChange put(String id, InstanceStatus status) {
		return put("orders", id, status);
	}

	private KeyChange put(String service, String id, InstanceStatus status) {
		return new KeyChange(PREFIX + service + "/" + id, value(service, id, status), 0);
	}

	private KeyChange parked(String id) {
		return new KeyChange(PREFIX + "~parked/orders/" + id, value("orders", id, InstanceStatus.OUT_OF_SERVICE), 0);
	}

	private static KeyChange delete(String id) {
		return delete("orders", id);
	}

	private static KeyChange delete(String service, String id) {
		return new KeyChange(PREFIX + service + "/" + id, null, 0);
	}

	private static KeyChange deleteParked(String id) {
		return new KeyChange(PREFIX + "~parked/orders/" + id, null, 0);
	}

	private byte[] value(String service, String id, InstanceStatus status) {
		return value(service, id, status, Map.of());
	}

	private byte[] value(String service, String id, InstanceStatus status, Map<String, String> metadata) {
		return this.codec.encode(
				new ServiceRegistration("default", service, id, "10.0.0.1", 8080, false, metadata, status),
				REGISTERED_AT);
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

	/**
	 * A clock that moves when the test says so.
	 */
	private static final class MovableClock extends Clock {

		private Instant now = Instant.parse("2026-03-04T05:06:07Z");

		void move(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
