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
import java.util.List;
import java.util.Map;

import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading the key layout (instance keys and parked keys) and the value layouts that this
 * library, its earlier versions and Go writers produce.
 *
 * @author etcd-discovery authors
 */
class InstanceLayoutsTests {

	private static final String PREFIX = "/services/default/";

	private static final KeyLayout LAYOUT = new KeyLayout("/services");

	private final NamingFormat codec = new NamingFormat();

	private final ServiceInstanceReader reader = new ServiceInstanceReader(PREFIX);

	private final ServiceRegistration registration = new ServiceRegistration("default", "orders", "o1", "10.0.0.1",
			8080, true, Map.of("zone", "eu-1"), InstanceStatus.UP);

	@Test
	void keysFollowTheStatus() {
		assertThat(keyFor(this.registration)).isEqualTo("/services/default/orders/o1");
		for (InstanceStatus status : List.of(InstanceStatus.STARTING, InstanceStatus.DOWN,
				InstanceStatus.OUT_OF_SERVICE, InstanceStatus.UNKNOWN)) {
			assertThat(keyFor(this.registration.withStatus(status))).isEqualTo("/services/default/~parked/orders/o1");
		}
	}

	@Test
	void aParkedKeyIsTheInstanceWithItsStatus() {
		ServiceRegistration down = this.registration.withStatus(InstanceStatus.DOWN);
		DiscoveredInstance instance = this.reader.read(parkedKey(down), this.codec.encode(down, Instant.now()), 9);
		assertThat(instance.service()).isEqualTo("orders");
		assertThat(instance.instanceId()).isEqualTo("o1");
		assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
		assertThat(instance.secure()).isTrue();
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
		assertThat(instance.key()).isEqualTo("/services/default/~parked/orders/o1");
	}

	@Test
	void aParkedKeyIsNeverUpSinceGoClientsNeverCallIt() {
		assertThat(
				this.reader.read(parkedKey(this.registration), this.codec.encode(this.registration, Instant.now()), 9)
					.status())
			.isEqualTo(InstanceStatus.UNKNOWN);
		assertThat(this.reader.read(PREFIX + "~parked/orders/o2", bytes("{\"Addr\":\"h:1\"}"), 9).status())
			.isEqualTo(InstanceStatus.UNKNOWN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "~parked/orders", "~parked/orders/", "~parked//o1", "~other/orders/o1", "~orders/o1",
			"~parked/~x/o1", "~parked/orders/o1/x" })
	void rejectsReservedSegmentsUsedOtherwise(String key) {
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> this.reader.read(PREFIX + key, bytes("{\"Addr\":\"h:1\"}"), 1))
			.withMessageContaining("key is not of the form");
	}

	@Test
	void movingBetweenKeysInOneRevisionKeepsTheInstanceListed() {
		InstanceTable table = new InstanceTable(this.reader, (key, revision, reason) -> {
			throw new AssertionError(reason);
		});
		ServiceRegistration down = this.registration.withStatus(InstanceStatus.DOWN);
		table.replace(List
			.of(new KeyChange(instanceKey(this.registration), this.codec.encode(this.registration, Instant.now()), 5)),
				5);
		// What the registrar's move transaction produces: a delete and a put at one
		// revision, delivered in one watch response.
		assertThat(table.apply(List.of(new KeyChange(instanceKey(this.registration), null, 6),
				new KeyChange(parkedKey(down), this.codec.encode(down, Instant.now()), 6))))
			.containsExactly("orders");
		ServiceInstances orders = table.instancesOf("orders", null);
		assertThat(orders.all()).singleElement().satisfies((instance) -> {
			assertThat(instance.instanceId()).isEqualTo("o1");
			assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
		});
		assertThat(orders.up()).isEmpty();
	}

	@Test
	void readsWhatGosEndpointsManagerWritesWithAMap() {
		// json.Marshal of endpoints.Endpoint{Addr, Metadata:
		// map[string]interface{}{...}}.
		DiscoveredInstance instance = this.reader.read(PREFIX + "gosvc/go-1",
				bytes("{\"Op\":0,\"Addr\":\"127.0.0.1:9000\",\"Metadata\":{\"status\":\"DOWN\",\"zone\":\"eu-1\"}}"),
				3);
		assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
	}

	@Test
	void readsWhatGosEndpointsManagerWritesWithAString() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "gosvc/go-1",
				bytes("{\"Op\":0,\"Addr\":\"127.0.0.1:9000\",\"Metadata\":\"{\\\"zone\\\":\\\"eu-1\\\"}\"}"), 3);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UP);
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
		DiscoveredInstance opaque = this.reader.read(PREFIX + "gosvc/go-2",
				bytes("{\"Op\":0,\"Addr\":\"127.0.0.1:9001\",\"Metadata\":\"v2\"}"), 3);
		assertThat(opaque.status()).isEqualTo(InstanceStatus.UP);
		assertThat(opaque.metadata()).isEmpty();
	}

	@Test
	void readsLowercaseFieldNamesAsGoDoes() {
		DiscoveredInstance instance = this.reader.read(PREFIX + "gosvc/go-1",
				bytes("{\"op\":0,\"addr\":\"127.0.0.1:9000\",\"metadata\":{\"status\":\"up\",\"zone\":\"a\"}}"), 3);
		assertThat(instance.port()).isEqualTo(9000);
		assertThat(instance.status()).isEqualTo(InstanceStatus.UP);
		assertThat(instance.metadata()).containsExactly(Map.entry("zone", "a"));
	}

	@Test
	void readsBareAddressesAsUp() {
		DiscoveredInstance plain = this.reader.read(PREFIX + "kitsvc/127.0.0.1:9000", bytes("127.0.0.1:9000"), 3);
		assertThat(plain.host()).isEqualTo("127.0.0.1");
		assertThat(plain.port()).isEqualTo(9000);
		assertThat(plain.status()).isEqualTo(InstanceStatus.UP);
		assertThat(plain.secure()).isFalse();
		DiscoveredInstance url = this.reader.read(PREFIX + "kitsvc/k2", bytes("https://kit.internal:8443"), 3);
		assertThat(url.uri()).hasToString("https://kit.internal:8443");
		assertThat(url.address()).isEqualTo("kit.internal:8443");
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String keyFor(ServiceRegistration registration) {
		return registration.key(LAYOUT);
	}

	private static String instanceKey(ServiceRegistration registration) {
		return LAYOUT.instanceKey(registration.namespace(), registration.service(), registration.instanceId());
	}

	private static String parkedKey(ServiceRegistration registration) {
		return LAYOUT.parkedKey(registration.namespace(), registration.service(), registration.instanceId());
	}

}
