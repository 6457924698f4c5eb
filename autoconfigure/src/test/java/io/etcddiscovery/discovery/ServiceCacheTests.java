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
import io.etcddiscovery.registration.InstanceStatus;
import io.etcddiscovery.registration.InvalidInstanceValueException;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.registration.ServiceRegistrationCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the logic of the {@link ServiceCache}: reading values, applying listings and
 * events, and building snapshots.
 *
 * @author etcd-discovery authors
 */
class ServiceCacheTests {

	private static final String PREFIX = "/services/default/";

	private static final Instant REGISTERED_AT = Instant.parse("2026-01-02T03:04:05Z");

	private final ServiceRegistrationCodec codec = new ServiceRegistrationCodec();

	private final ServiceInstanceReader reader = new ServiceInstanceReader(PREFIX);

	private final List<String> skipped = new ArrayList<>();

	private final InstanceTable table = new InstanceTable(this.reader,
			(key, revision, reason) -> this.skipped.add(key + "@" + revision + ": " + reason));

	@Test
	void readsAnInstanceWrittenByThisLibrary() {
		ServiceInstance instance = this.reader.read(PREFIX + "orders/o1", value("orders", "o1", InstanceStatus.DOWN),
				42);
		assertThat(instance.service()).isEqualTo("orders");
		assertThat(instance.instanceId()).isEqualTo("o1");
		assertThat(instance.host()).isEqualTo("10.0.0.1");
		assertThat(instance.port()).isEqualTo(8080);
		assertThat(instance.secure()).isTrue();
		assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
		assertThat(instance.isUp()).isFalse();
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
		assertThat(instance.address()).isEqualTo("10.0.0.1:8080");
		assertThat(instance.key()).isEqualTo(PREFIX + "orders/o1");
		assertThat(instance.modRevision()).isEqualTo(42);
		assertThat(instance.registeredAt()).isEqualTo(REGISTERED_AT);
		assertThat(instance.uri()).hasToString("https://10.0.0.1:8080");
	}

	@Test
	void readsAGoValueWithoutMetadataAsUp() {
		ServiceInstance instance = this.reader.read(PREFIX + "orders/go-1", bytes("{\"Addr\":\"10.0.0.2:9000\"}"), 7);
		assertThat(instance.host()).isEqualTo("10.0.0.2");
		assertThat(instance.port()).isEqualTo(9000);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UP);
		assertThat(instance.metadata()).isEmpty();
		assertThat(instance.registeredAt()).isNull();
	}

	@Test
	void readsGoMetadataNextToTheStatusAsUserMetadata() {
		ServiceInstance instance = this.reader.read(PREFIX + "orders/go-1",
				bytes("{\"Addr\":\"10.0.0.2:9000\",\"Metadata\":{\"status\":\"OUT_OF_SERVICE\",\"zone\":\"a\","
						+ "\"weight\":3,\"tags\":[\"x\"]}}"),
				7);
		assertThat(instance.status()).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
		assertThat(instance.metadata()).containsOnly(Map.entry("zone", "a"), Map.entry("weight", "3"));
	}

	@Test
	void readsAnUnknownStatusAsUnknown() {
		ServiceInstance instance = this.reader.read(PREFIX + "orders/o1",
				bytes("{\"Addr\":\"h:1\",\"Metadata\":{\"status\":\"MAINTENANCE\"}}"), 7);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UNKNOWN);
		assertThat(instance.isUp()).isFalse();
	}

	@Test
	void readsAnIpv6Address() {
		ServiceInstance instance = this.reader.read(PREFIX + "orders/o1", bytes("{\"Addr\":\"[::1]:8080\"}"), 7);
		assertThat(instance.host()).isEqualTo("::1");
		assertThat(instance.port()).isEqualTo(8080);
		assertThat(instance.uri()).hasToString("http://[::1]:8080");
	}

	@Test
	void rejectsValuesThatAreNotInstances() {
		assertInvalid("orders/o1", "hello", "neither etcd's naming format nor host:port");
		assertInvalid("orders/o1", "{hello", "not JSON");
		assertInvalid("orders/o1", "[1]", "neither etcd's naming format nor host:port");
		assertInvalid("orders/o1", "{\"Metadata\":{}}", "no 'Addr'");
		assertInvalid("orders/o1", "{\"Addr\":\"10.0.0.1\"}", "'Addr' is not host:port");
		assertInvalid("orders/o1", "{\"Addr\":\"::1:80\"}", "'Addr' is not host:port");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"port\":\"80\"}}", "'port' is not a port number");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"port\":70000}}", "'port' is not a port number");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"secure\":\"yes\"}}", "'secure' is not a boolean");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"status\":1}}", "'status' is not a string");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"host\":\"\"}}", "'host' is not a non-empty");
		assertInvalid("orders/o1", "{\"Addr\":\"h:1\",\"Metadata\":{\"metadata\":\"x\"}}",
				"'metadata' is not an object");
		assertInvalid("orders/o1",
				"{\"Addr\":\"h:1\",\"x\":\"" + "y".repeat(ServiceInstanceReader.MAX_VALUE_SIZE) + "\"}", "larger than");
	}

	@Test
	void rejectsKeysAtTheWrongDepth() {
		assertInvalid("orders", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("orders/", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("/o1", "{\"Addr\":\"h:1\"}", "key is not of the form");
		assertInvalid("orders/o1/extra", "{\"Addr\":\"h:1\"}", "key is not of the form");
	}

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
			.with(List.of(this.table.instancesOf("orders", null), this.table.instancesOf("billing", null)));
		assertThat(first.isListed()).isTrue();
		assertThat(first.names()).containsExactly("billing", "orders");
		this.table.apply(List.of(put("orders", "o2", InstanceStatus.OUT_OF_SERVICE, 11)));
		ServiceInstances orders = this.table.instancesOf("orders", first.get("orders"));
		CacheSnapshot second = first.with(List.of(orders));
		assertThat(second.get("orders").up()).isSameAs(first.get("orders").up());
		assertThat(second.get("orders").all()).isNotSameAs(first.get("orders").all());
		assertThat(second.get("billing")).isSameAs(first.get("billing"));
		this.table.apply(List.of(delete("billing", "b1", 12)));
		CacheSnapshot third = second.with(List.of(this.table.instancesOf("billing", second.get("billing"))));
		assertThat(third.names()).containsExactly("orders");
		assertThat(third.get("billing")).isNull();
	}

	private void assertInvalid(String key, String value, String reason) {
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> this.reader.read(PREFIX + key, bytes(value), 1))
			.withMessageContaining(reason);
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

	private static List<String> ids(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::instanceId).toList();
	}

}
