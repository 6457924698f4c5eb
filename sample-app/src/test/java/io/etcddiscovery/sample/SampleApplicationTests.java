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

package io.etcddiscovery.sample;

import java.util.Map;

import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.mockito.BDDMockito.given;

/**
 * Tests for {@link SampleApplication}, with etcd out of the picture: discovery is
 * disabled and the registrar is a mock.
 *
 * @author etcd-discovery authors
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "discovery.enabled=false")
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	@MockitoBean
	private InstanceRegistrar registrar;

	private RestTestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@Test
	void rootDescribesTheRegisteredInstance() {
		given(this.registrar.getRegistration()).willReturn(new ServiceRegistration("default", "sample",
				"sample-host-8080-1a2b", "10.1.2.3", 8080, false, Map.of(), InstanceStatus.UP));
		this.client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.service")
			.isEqualTo("sample")
			.jsonPath("$.instanceId")
			.isEqualTo("sample-host-8080-1a2b")
			.jsonPath("$.host")
			.isEqualTo("10.1.2.3")
			.jsonPath("$.port")
			.isEqualTo(8080);
	}

	@Test
	void rootShowsTheLocalPortWhenNotRegistered() {
		given(this.registrar.getRegistration()).willReturn(null);
		this.client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.service")
			.isEqualTo("sample")
			.jsonPath("$.instanceId")
			.isEmpty()
			.jsonPath("$.host")
			.isEmpty()
			.jsonPath("$.port")
			.isEqualTo(this.port);
	}

	@Test
	void healthIsExposedWithDetails() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.diskSpace.details")
			.exists();
	}

}
