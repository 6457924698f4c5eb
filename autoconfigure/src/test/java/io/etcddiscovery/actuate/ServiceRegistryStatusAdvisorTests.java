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
package io.etcddiscovery.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ServiceRegistryStatusAdvisor}.
 *
 * @author etcd-discovery authors
 */
class ServiceRegistryStatusAdvisorTests {

	private final ServiceRegistryStatusAdvisor advisor = new ServiceRegistryStatusAdvisor();

	private final OperationInvoker rejecting = (context) -> {
		throw new IllegalArgumentException("Invalid status 'FOO'");
	};

	@Test
	void invalidStatusOfTheServiceRegistryEndpointIsAnInvalidRequest() {
		OperationInvoker advised = this.advisor.apply(ServiceRegistryStatusAdvisor.SERVICE_REGISTRY,
				OperationType.WRITE, null, this.rejecting);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> advised.invoke(null))
			.withMessage("Invalid status 'FOO'")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Invalid status"));
	}

	@Test
	void otherEndpointsAndOperationsAreLeftAlone() {
		assertThat(this.advisor.apply(EndpointId.of("discovery"), OperationType.WRITE, null, this.rejecting))
			.isSameAs(this.rejecting);
		OperationInvoker read = this.advisor.apply(ServiceRegistryStatusAdvisor.SERVICE_REGISTRY, OperationType.READ,
				null, this.rejecting);
		assertThatIllegalArgumentException().isThrownBy(() -> read.invoke(null));
	}

}
