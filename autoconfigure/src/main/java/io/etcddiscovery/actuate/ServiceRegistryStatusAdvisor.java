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

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;

/**
 * Makes Spring Cloud's {@code /actuator/serviceregistry} answer an invalid status the way
 * {@code /actuator/discovery} does: {@code 400 Bad Request} with the reason, instead of a
 * {@code 500} and an ERROR stack trace. Spring Cloud's endpoint passes the status to the
 * {@code ServiceRegistry}, whose {@code IllegalArgumentException} this advisor turns into
 * the actuator's invalid-request exception, for servlet and reactive applications alike.
 *
 * @author etcd-discovery authors
 */
public class ServiceRegistryStatusAdvisor implements OperationInvokerAdvisor {

	/**
	 * Id of Spring Cloud's service registry endpoint.
	 */
	public static final EndpointId SERVICE_REGISTRY = EndpointId.of("serviceregistry");

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!SERVICE_REGISTRY.equals(endpointId) || operationType != OperationType.WRITE) {
			return invoker;
		}
		return (context) -> {
			try {
				return invoker.invoke(context);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "Invalid status");
			}
		};
	}

}
